import { Injectable } from '@nestjs/common';
import { AppConfig, pathForDisplay, pathsForDisplayIn, realRoots } from '@ecom/config';

/**
 * How run reports show the server's folders: relative to the data or source root that holds them
 * (`raw/<run>`, `incoming/batch-1`), never as absolute paths, which tell a caller how the server
 * is laid out. Stored params and errors keep the absolute paths the workers need.
 */
@Injectable()
export class ServerPaths {
  private roots?: Promise<string[]>;

  constructor(private readonly config: AppConfig) {}

  private allRoots(): Promise<string[]> {
    const configured = [this.config.dataRoot, ...this.config.sourceRoots];
    // Stored paths went through realpath; a root created after start is found on the next call.
    this.roots ??= realRoots(configured).then((real) => {
      if (real.length < configured.length) this.roots = undefined;
      return [...configured, ...real];
    });
    return this.roots;
  }

  async path(path: string): Promise<string> {
    return pathForDisplay(path, await this.allRoots());
  }

  async text<T extends string | null>(text: T): Promise<T> {
    return (text === null ? text : pathsForDisplayIn(text, await this.allRoots())) as T;
  }
}
