// Imported before @pact-foundation/pact wherever it is used: no usage telemetry from our runs.
process.env.PACT_DO_NOT_TRACK = 'true';
