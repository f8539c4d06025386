// Placeholder while the verb is being built (issue 4).
import { SeamError } from '../errors.js';

export async function run(_arg: unknown, _options: unknown): Promise<void> {
  throw new SeamError('internal', 'not built yet');
}
