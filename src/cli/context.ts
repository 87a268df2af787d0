import type { RunContext } from '../pipeline/context.js';

/** What a command receives: the run's view of the outside world, plus the command line itself. */
export interface CliContext extends RunContext {
  readonly argv: readonly string[];
}
