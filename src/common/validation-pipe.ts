import { ValidationPipe } from '@nestjs/common';
import { badRequest, flattenValidationErrors } from './field-errors.js';

/**
 * The global pipe: unknown fields dropped, values converted to the DTO's types, and a bad input
 * answered with `400 {errors: [{field, message}]}`. One definition for the app, the tests that
 * throw arbitrary queries at it, and the bench's NestJS floor.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => badRequest(flattenValidationErrors(errors)),
  });
}
