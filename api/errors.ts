import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { MongoUnavailableError } from '../infra/mongo';

/** One field-level problem, named by its path in the request (e.g. `body.severity`). */
export interface FieldError {
  field: string;
  message: string;
}

/** An error with an HTTP status and a stable code, rendered as `{"error": {code, message, details}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, details?: unknown) {
    super(409, 'conflict', message, details);
  }
}

/** 503 with Retry-After: a dependency did not answer, and the request may succeed shortly. */
export class ServiceUnavailableError extends HttpError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(503, 'unavailable', message);
  }
}

export class ValidationError extends HttpError {
  constructor(readonly fields: FieldError[]) {
    super(
      400,
      'validation_failed',
      `Invalid request: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      fields,
    );
  }
}

/** Turns zod issues into field errors, prefixing the part of the request they came from. */
export function fieldErrorsFrom(error: z.ZodError, location?: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [...(location ? [location] : []), ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type: string;
  status: number;
  message: string;
  /** entity.too.large: the limit, in bytes. */
  limit?: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    'status' in err &&
    typeof err.type === 'string'
  );
}

/** Maps every error to `{"error": {"code", "message", "details"}}`; unknown errors become a logged 500. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  let httpError: HttpError;
  if (err instanceof HttpError) {
    httpError = err;
  } else if (err instanceof MongoUnavailableError) {
    req.log.warn({ err }, 'MongoDB did not answer');
    httpError = new ServiceUnavailableError('MongoDB is not answering; retry shortly');
  } else if (isBodyParserError(err)) {
    httpError =
      err.type === 'entity.parse.failed'
        ? new HttpError(400, 'invalid_json', 'Request body is not valid JSON', { field: 'body' })
        : err.type === 'entity.too.large'
          ? new HttpError(413, 'payload_too_large', `Request body is too large: at most ${err.limit} bytes`, [
              { field: 'body', message: `at most ${err.limit} bytes of JSON` },
            ])
          : new HttpError(
              err.status >= 400 && err.status < 500 ? err.status : 400,
              'bad_request',
              err.message,
            );
  } else {
    req.log.error({ err }, 'unhandled error');
    httpError = new HttpError(500, 'internal', 'Internal server error');
  }
  if (httpError instanceof ServiceUnavailableError)
    res.setHeader('Retry-After', String(httpError.retryAfterSeconds));
  res.status(httpError.status).json({
    error: { code: httpError.code, message: httpError.message, details: httpError.details ?? null },
  });
};
