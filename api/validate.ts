import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { fieldErrorsFrom, ValidationError, type FieldError } from './errors';

type Schemas = {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
};

type Parsed<S extends Schemas> = {
  [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

/**
 * Validates the request's parts with zod and hands the parsed values to the
 * handler; a failure becomes a 400 naming every bad field.
 */
export function validated<S extends Schemas>(
  schemas: S,
  handler: (input: Parsed<S>, req: Request, res: Response, next: NextFunction) => Promise<void> | void,
): RequestHandler {
  return async (req, res, next) => {
    const fields: FieldError[] = [];
    const input: Record<string, unknown> = {};
    for (const location of ['params', 'query', 'body'] as const) {
      const schema = schemas[location];
      if (!schema) continue;
      const result = schema.safeParse(req[location] ?? {});
      if (result.success) input[location] = result.data;
      else fields.push(...fieldErrorsFrom(result.error, location));
    }
    if (fields.length > 0) throw new ValidationError(fields);
    await handler(input as Parsed<S>, req, res, next);
  };
}
