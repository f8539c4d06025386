// Placeholder while the verb is being built (issue 7).
import { SeamError } from '../errors.js';

export async function run(..._args: unknown[]): Promise<void> {
  throw new SeamError('internal', 'not built yet');
}
