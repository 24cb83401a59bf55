import { ConfigError, loadConfig } from '@ecom/config';
import { runGenerateCli } from '../apps/generator/src/cli/generate-cli';

export { parseGenerateArgs } from '../apps/generator/src/cli/generate-args';
export { generateToFolder } from '../apps/generator/src/generation/generate-to-folder';

/** Writes a generated data set into a folder without the pipeline: see GENERATE_USAGE. */
async function main(): Promise<void> {
  let defaults;
  try {
    defaults = loadConfig().generator;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`generate: ${error.message}\n`);
    process.exit(1);
  }
  process.exitCode = await runGenerateCli(process.argv.slice(2), defaults, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}

if (require.main === module) void main();
