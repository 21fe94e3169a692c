/**
 * glibc's allocator settings Fireline's Node processes run with, in the images
 * (Dockerfile) and in the bench; operators running `npm run worker` or
 * `npm run api` themselves set them in the process's environment
 * (docs/deployment.md).
 *
 * Why: glibc raises its mmap threshold each time a large block is freed, so
 * the SDK's and Node's large buffers end up inside malloc arenas, and one
 * arena per busy thread keeps their freed pages. A worker holding open
 * incidents kept several times more arena memory than it had in use. A fixed
 * threshold returns large blocks to the system when freed, and two arenas
 * keep little free space between them.
 */
export const nodeMallocEnv = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
} as const;

/** `nodeMallocEnv`, under any value the environment sets itself. */
export function withNodeMallocEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...nodeMallocEnv, ...env };
}
