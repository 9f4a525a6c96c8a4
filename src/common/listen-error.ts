import { StartupError } from './startup-error.js';

/** A listener could not bind; the message names the address and the variable to change. */
export class ListenError extends StartupError {}

/** Turns a bind error into a ListenError naming `what`, the address and the variables. */
export function listenError(
  error: unknown,
  what: string,
  host: string,
  port: number,
  variables: string,
): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new ListenError(
      `Cannot listen for ${what} on ${host}:${port} (${code}): set ${variables} to a free port, or 0 for any`,
    );
  }
  return error as Error;
}
