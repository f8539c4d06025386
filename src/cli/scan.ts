// placeholder until this verb lands (this session)
export async function run(..._args: unknown[]): Promise<void> {
  throw new Error('seam: scan is being built');
}
