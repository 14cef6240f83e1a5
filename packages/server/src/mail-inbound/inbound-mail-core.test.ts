import { describe, expect, it } from 'vitest';
import { htmlToText, messageText } from './inbound-mail-core.ts';

describe('htmlToText', () => {
  it.each([
    ['<p>Pay <b>now</b>:</p><p>soon</p>', 'Pay now:\nsoon'],
    ['<script>alert(1)</script><style>p{}</style>Hello', 'Hello'],
    ['<head><title>T</title></head><body>Body</body>', 'Body'],
    ['one<br>two<br/>three', 'one\ntwo\nthree'],
    ['<ul><li>a</li><li>b</li></ul>', '- a\n- b'],
    ['a &lt;b&gt; &amp; &quot;c&quot; &#233;t&#xE9;&nbsp;!', 'a <b> & "c" été !'],
    ['&bogus; &#0; &#x110000;', '&bogus;'],
    ['<!-- hidden -->shown', 'shown'],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('messageText', () => {
  it.each([
    [{ text: 'plain', html: '<p>rich</p>' }, 'plain'],
    [{ text: '  \n', html: '<p>rich</p>' }, 'rich'],
    [{ html: '<p>rich</p>' }, 'rich'],
    [{ html: false as const }, ''],
    [{}, ''],
  ])('%j → %j', (parsed, text) => {
    expect(messageText(parsed)).toBe(text);
  });
});
