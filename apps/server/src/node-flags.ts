/**
 * V8 flags the server runs with (the `start` script and the benchmark's server process pass them;
 * a test keeps the script in step). A server with thousands of connections allocates fast and keeps
 * much alive: with V8's default 16 MB semi-spaces, young-generation collections ran so often that
 * they took a fifth of the event loop at 10,000 connections; with 128 MB, delivery p50 at 1,000
 * messages/s fell from 513 ms (a growing backlog) to 11 ms in the bench, and p99 is ~76 ms where
 * 32 or 64 MB give ~500 ms. The cost: while thousands connect at once, each collection copies more
 * survivors, so handshake p95 in a 10,000-connection ramp is 11–35 ms instead of 9–13 ms. The
 * young generation only grows to that size under such load.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=128'];
