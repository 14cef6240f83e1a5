// The floor `npm run bench` compares `accord calendar due|elapsed` with: a bare Node JSON-lines filter that reads a
// line, JSON.parse, JSON.stringify, and writes in large chunks — everything the CLI does except the business time.
import process from 'node:process';
import { createInterface } from 'node:readline';

const CHUNK_CHARS = 64 * 1024;
let chunks = [];
let chars = 0;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  const request = JSON.parse(line);
  const answer = `${JSON.stringify({ due: request.from })}\n`;
  chunks.push(answer);
  chars += answer.length;
  if (chars >= CHUNK_CHARS) {
    if (!process.stdout.write(chunks.join('')))
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    chunks = [];
    chars = 0;
  }
}
process.stdout.write(chunks.join(''));
