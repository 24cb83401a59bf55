import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@ecom/config';
import { appLogger } from '@ecom/pipeline';
import { ApiAppModule } from './app.module';

/** The HTTP app, initialised by the caller (main.ts listens, tests call init()). */
export async function createApiApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ApiAppModule.forRoot(config), { logger: appLogger(config) });
  app.useGlobalPipes(
    new ValidationPipe({
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
