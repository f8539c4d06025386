#!/usr/bin/env bash
# Nightly drift: for every partner with drift.baseUrl in seam.config.(json|yaml), replay the safe
# recorded requests against it and compare with the recordings and the spec (seam drift live),
# check the recordings against the spec (seam drift recordings), and diff the spec against a newer
# one when drift.nextSpec names it (seam drift spec). Reports go to reports/drift/ (keep them as
# the CI artefact); exit 1 on a breaking finding.
#
# Credentials come from the environment, one per partner: SEAM_<PARTNER>_AUTHORIZATION, e.g.
#   SEAM_STRIPE_AUTHORIZATION="Bearer $STRIPE_SANDBOX_KEY"
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/src/cli/main.js ] || npx tsc -p tsconfig.json
exec node bin/seam.js drift nightly --out "${SEAM_DRIFT_OUT:-reports/drift}" --fail-on "${SEAM_DRIFT_FAIL_ON:-breaking}"
