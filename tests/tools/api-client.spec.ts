import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, PipelineApiClient } from '../../tools/api-client';

/**
 * The client against a real local HTTP server that resets the connection under some requests, as
 * a server closing a kept-alive connection just as the next poll goes out does.
 */
describe('PipelineApiClient on a reset connection', () => {
  let server: Server;
  let baseUrl: string;
  /** Requests to reset, per "METHOD path", before answering; and every request seen. */
  let resets: Map<string, number>;
  let seen: string[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const key = `${req.method} ${req.url}`;
      seen.push(key);
      const left = resets.get(key) ?? 0;
      if (left > 0) {
        resets.set(key, left - 1);
        // No response at all: the socket goes away under the request.
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (key === 'POST /runs') return res.end(JSON.stringify({ runId: 'r-1' }));
      res.end(JSON.stringify({ runId: 'r-1', status: 'running', stages: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    resets = new Map();
    seen = [];
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a GET again on a new connection when the connection is reset under it', async () => {
    resets.set('GET /runs/r-1', 2);
    const report = await new PipelineApiClient(baseUrl).getRun('r-1');
    expect(report).toMatchObject({ runId: 'r-1', status: 'running' });
    expect(seen).toEqual(['GET /runs/r-1', 'GET /runs/r-1', 'GET /runs/r-1']);
  });

  it('gives up on a GET after three resets, with the one message that the API cannot be reached', async () => {
    resets.set('GET /runs/r-1', 3);
    const error = await new PipelineApiClient(baseUrl).getRun('r-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(new RegExp(`^cannot reach the API at ${baseUrl} \\(.+\\); is it running\\? start it with: npm start$`));
    expect(seen).toHaveLength(3);
  });

  it('never sends a POST twice: the api may have received it and started the run', async () => {
    resets.set('POST /runs', 1);
    const error = await new PipelineApiClient(baseUrl).startRun({ transactions: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(seen).toEqual(['POST /runs']);
  });

  it('does not retry a refused connection: nothing listens there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await new PipelineApiClient(`http://127.0.0.1:${port}`).getRun('r-1').catch((e: unknown) => e);
    expect((error as ApiError).message).toContain('ECONNREFUSED');
  });
});
