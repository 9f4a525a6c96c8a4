import http from 'node:http';

export interface SseMessage {
  id?: string;
  event: string;
  data: unknown;
}

export interface SseClient {
  messages: SseMessage[];
  comments: string[];
  headers: http.IncomingHttpHeaders;
  close(): void;
}

/** A real HTTP client of an SSE stream that parses frames as EventSource does. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
      const client: SseClient = {
        messages: [],
        comments: [],
        headers: res.headers,
        close: () => req.destroy(),
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: Partial<SseMessage> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              client.comments.push(line.slice(1).trim());
            } else if (line.startsWith('id: ')) {
              message.id = line.slice(4);
            } else if (line.startsWith('event: ')) {
              message.event = line.slice(7);
            } else if (line.startsWith('data: ')) {
              message.data = JSON.parse(line.slice(6));
            }
          }
          if (message.event) {
            client.messages.push(message as SseMessage);
          }
        }
      });
      res.on('error', () => undefined);
      resolve(client);
    });
    req.on('error', reject);
  });
}
