import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

export type SendOutcome = {
  clientId: string;
  /** The HTTP status, or null when no response came. */
  status: number | null;
  /** The socket error's code when no response came (ECONNREFUSED, ECONNRESET, …). */
  error: string | null;
  /** Whether the request went out on a kept-alive socket that had served a request before. */
  reusedSocket: boolean;
};

export type SendBurst = {
  outcomes: SendOutcome[];
  /** Stops starting new sends; resolves when every send in flight has settled. */
  stop(): Promise<void>;
};

/** One `messages.send` as a plain HTTP POST (what httpLink sends), on a keep-alive agent. */
export function postSend(
  agent: Agent,
  baseUrl: string,
  token: string,
  input: { conversationId: string; clientId: string; body: string },
): Promise<SendOutcome> {
  return new Promise((resolve) => {
    const body = JSON.stringify(input);
    const req = request(`${baseUrl}/trpc/messages.send`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        authorization: `Bearer ${token}`,
      },
    });
    const settle = (status: number | null, error: string | null) =>
      resolve({ clientId: input.clientId, status, error, reusedSocket: req.reusedSocket });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => settle(res.statusCode ?? 0, null));
      res.on('error', (error: NodeJS.ErrnoException) => settle(null, error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => settle(null, error.code ?? error.message));
    req.end(body);
  });
}

/** Keeps `concurrency` sends in flight on keep-alive connections until stopped. */
export function startSendBurst(options: {
  baseUrl: string;
  token: string;
  conversationId: string;
  concurrency: number;
  /** Called for each send before it goes out (the crash test remembers its clientIds). */
  onSend?: (clientId: string) => void;
}): SendBurst {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const outcomes: SendOutcome[] = [];
  let running = true;
  let counter = 0;
  const worker = async () => {
    while (running) {
      const clientId = randomUUID();
      options.onSend?.(clientId);
      const outcome = await postSend(agent, options.baseUrl, options.token, {
        conversationId: options.conversationId,
        clientId,
        body: `burst ${++counter}`,
      });
      outcomes.push(outcome);
      if (outcome.error === 'ECONNREFUSED') await new Promise((r) => setTimeout(r, 20));
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
    },
  };
}
