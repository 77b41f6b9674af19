/**
 * A proxy process for tests that must observe the proxy alone (memory): started with fork(),
 * it builds a reverse_proxy handler from the JSON config in argv[2], serves it on
 * 127.0.0.1:0, sends `{ port }` to the parent and answers `'rss'` with `{ rss }`.
 */
import { reverseProxy, startProxy } from './testkit';

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}');
  const px = await startProxy(reverseProxy(cfg));
  process.on('message', (m) => {
    if (m === 'rss') {
      global.gc?.();
      process.send!({ rss: process.memoryUsage().rss });
    }
  });
  process.send!({ port: px.port });
}

void main();
