import type { LocalStack } from '../stack';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { __firelineStack?: LocalStack }).__firelineStack;
  await stack?.stop();
}
