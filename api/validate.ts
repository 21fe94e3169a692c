import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { fieldErrorsFrom, ValidationError, type FieldError } from './errors';

export type Schemas = {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
};

/** A handler that carries the schemas it validates with, for the OpenAPI document (api/openapi.ts). */
export type DocumentedHandler = RequestHandler & { requestSchemas: Schemas };

/** Marks a handler that validates by itself (e.g. with its own error format) with the schemas it uses. */
export function documented(schemas: Schemas, handler: RequestHandler): DocumentedHandler {
  return Object.assign(handler, { requestSchemas: schemas });
}

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
): DocumentedHandler {
  return documented(schemas, async (req, res, next) => {
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
  });
}
