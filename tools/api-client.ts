import { RUN_TRIGGER_HEADER, type RunReport, type RunTrigger } from '@ecom/contracts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Sends of one GET when the connection is reset under it (see request). */
const GET_ATTEMPTS = 3;

/** fetch's error for a connection that was open and then closed or reset, not one refused. */
function isConnectionReset(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(cause?.code ?? '');
}

/** The few REST calls the CLI and the bench make; errors carry the API's own message. */
export class PipelineApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey?: string,
    /** Who starts runs through this client: a run refused as a duplicate is recorded under it. */
    private readonly trigger?: RunTrigger,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown, acceptStatus: number[] = []): Promise<T> {
    let response: Response;
    for (let attempt = 1; ; attempt++) {
      try {
        response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}),
            ...(this.trigger ? { [RUN_TRIGGER_HEADER]: this.trigger } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        break;
      } catch (error) {
        // A kept-alive connection the server closed as the request went out (its idle timer and
        // ours race, worst after an event-loop stall) fails a poll that never reached the api. A
        // GET changes nothing, so it is sent again on a new connection; a POST could have been
        // received, so it is not.
        if (method === 'GET' && attempt < GET_ATTEMPTS && isConnectionReset(error)) continue;
        throw new ApiError(
          `cannot reach the API at ${this.baseUrl} (${(error as Error).cause ?? (error as Error).message}); is it running? start it with: npm start`,
        );
      }
    }
    const text = await response.text();
    if (!response.ok && !acceptStatus.includes(response.status)) {
      let message = text;
      try {
        const parsed = JSON.parse(text) as { message?: string | string[] };
        if (parsed.message) message = Array.isArray(parsed.message) ? parsed.message.join('; ') : parsed.message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new ApiError(`${method} ${path} failed with ${response.status}: ${message}`, response.status);
    }
    return JSON.parse(text) as T;
  }

  startRun(body: Record<string, unknown>): Promise<{ runId: string }> {
    return this.request('POST', '/runs', body);
  }

  /** Asks the api to resume a failed or stuck run from its first unfinished stage. */
  resumeRun(runId: string): Promise<{ runId: string; previousStatus: string; resumedFrom: string }> {
    return this.request('POST', `/runs/${encodeURIComponent(runId)}/resume`);
  }

  /** Stages no worker consumes: a run would stop there. Empty when the api does not say. */
  async idleStages(): Promise<string[]> {
    // /health answers 503 while a stage is idle; its body still lists them.
    const health = await this.request<{ details?: { workers?: { idleStages?: string[] } } }>('GET', '/health', undefined, [503]).catch(() => undefined);
    return health?.details?.workers?.idleStages ?? [];
  }

  getRun(runId: string): Promise<RunReport> {
    return this.request('GET', `/runs/${encodeURIComponent(runId)}`);
  }

  /** Polls until the run ends, calling `onChange` whenever a stage's status or progress moves. */
  async waitForRun(
    runId: string,
    onChange: (report: RunReport) => void = () => undefined,
    options: { intervalMs?: number; timeoutMs?: number } = {},
  ): Promise<RunReport> {
    const deadline = Date.now() + (options.timeoutMs ?? 24 * 3600 * 1000);
    let last = '';
    for (;;) {
      const report = await this.getRun(runId);
      const fingerprint = JSON.stringify(report.stages.map((s) => [s.status, s.tasksDone, s.progress]));
      if (fingerprint !== last) {
        last = fingerprint;
        onChange(report);
      }
      if (report.status === 'succeeded' || report.status === 'failed') return report;
      if (Date.now() > deadline) throw new ApiError(`run ${runId} did not finish in time`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }
}
