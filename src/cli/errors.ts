// Errors a user caused. They print as one line and set the exit status; nothing else is thrown
// past the CLI's edge, so a user never sees a JavaScript stack trace.

export class UsageError extends Error {
  readonly exitCode = 2;
}

export class CommandError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
