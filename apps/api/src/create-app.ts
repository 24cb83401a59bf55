import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@ecom/config';
import { API_APP } from '@ecom/contracts';
import { appLogger, assertProcessors } from '@ecom/pipeline';
import { ApiAppModule } from './app.module';
import { FieldValidationPipe } from './http/field-validation-pipe';
import { JSON_BODY_LIMIT, RejectNulPipe, requireJsonBody, verifyJsonDepth } from './http/request-edge';
import { mountApiDocs } from './openapi/openapi';

/** The HTTP app, initialised by the caller (main.ts listens, tests call init()). */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  // Nest's default parsers also take forms and any nesting; the api takes bounded JSON only.
  const module = ApiAppModule.forRoot(config);
  assertProcessors(API_APP, [module], []);
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: appLogger(config), bodyParser: false });
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT, verify: verifyJsonDepth });
  mountApiDocs(app);
  app.useGlobalPipes(
    new RejectNulPipe(),
    new FieldValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // Messages name the field ("transactions must not be less than 1"), which is what a caller needs.
      validationError: { target: false, value: false },
    }),
  );
  app.enableShutdownHooks();
  return app;
}
