// A matcher tree (infer-matchers.ts) as pact-js MatchersV3 values, ready for jsonBody/query.
import './pact-env.js';
import { MatchersV3 } from '@pact-foundation/pact';
import type { MatcherNode } from './infer-matchers.js';

/**
 * `underType`: inside an `eachLike` — Pact's type matcher cascades to everything below it, so a
 * literal there needs an explicit `equal` to stay literal.
 */
export function toPactMatchers(node: MatcherNode, underType = false): unknown {
  switch (node.match) {
    case 'literal':
      return underType ? MatchersV3.equal(node.value) : node.value;
    case 'type':
      return MatchersV3.like(node.example);
    case 'integer':
      return MatchersV3.integer(node.example);
    case 'decimal':
      return MatchersV3.decimal(node.example);
    case 'number':
      return MatchersV3.number(node.example);
    case 'regex':
      return MatchersV3.regex(node.regex, node.example);
    case 'datetime':
      return MatchersV3.datetime(node.format, node.example);
    case 'date':
      return MatchersV3.date(node.format, node.example);
    case 'eachLike': {
      const item = toPactMatchers(node.item, true);
      // min 0 still needs one example item, or Pact would know nothing of the items' shape.
      return node.min === 0 ? MatchersV3.atLeastLike(item, 0, 1) : MatchersV3.eachLike(item, node.min);
    }
    case 'object':
      return Object.fromEntries(Object.entries(node.fields).map(([k, v]) => [k, toPactMatchers(v, underType)]));
  }
}
