import { Logger } from '@nestjs/common';
import { redactSecrets } from '@ecom/config';
import { prepare } from '@ecom/pipeline';
import { createApiApp } from './create-app';

async function main(): Promise<void> {
  const config = await prepare('api');
  const app = await createApiApp(config);
  await app.listen(config.port);
  new Logger('api').log(`listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`api: failed to start: ${redactSecrets(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
});
