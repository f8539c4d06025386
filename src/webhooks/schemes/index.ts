// The signing schemes, by id. Adding one: a file exporting a `Scheme`, a row here, its id in
// SCHEME_IDS (types.ts), its vectors in the shared vectors file or its own test (docs/webhooks.md).
import { InputError } from '../../errors.js';
import { SCHEME_IDS, type Scheme, type SchemeId } from '../types.js';
import { github } from './github.js';
import { shopify } from './shopify.js';
import { slack } from './slack.js';
import { standardWebhooks } from './standard-webhooks.js';
import { stripe } from './stripe.js';

const BY_ID: Readonly<Record<SchemeId, Scheme>> = {
  stripe,
  github,
  'standard-webhooks': standardWebhooks,
  shopify,
  slack,
};

/** Every scheme, in SCHEME_IDS order. */
export const SCHEMES: readonly Scheme[] = SCHEME_IDS.map((id) => BY_ID[id]);

/** The scheme with this id; an id from user input that is none of them is an InputError listing the known ones. */
export function getScheme(id: SchemeId): Scheme {
  const scheme = (BY_ID as Partial<Record<string, Scheme>>)[id];
  if (!scheme) throw new InputError(`unknown signing scheme ${JSON.stringify(id)} (known: ${SCHEME_IDS.join(', ')})`);
  return scheme;
}
