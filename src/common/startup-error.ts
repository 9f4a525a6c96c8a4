/** A start-up failure the operator can fix; main.ts prints its message as one line and exits 78. */
export class StartupError extends Error {}
