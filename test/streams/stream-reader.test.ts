/**
 * `StreamReader` fed by hand. Tests named `test_*` are ports of CPython's
 * Lib/test/test_asyncio/test_streams.py (StreamTests) that use `feed_data`; `stream._buffer` is observed
 * through the next read instead.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError, createTask, run } from '../../src/index.js';
import { IncompleteReadError, LimitOverrunError, StreamReader } from '../../src/streams/index.js';
import { turns } from '../helpers/leaks.js';
import { checkSignalEndings } from '../helpers/signal-endings.js';

const DATA = Buffer.from('line1\nline2\nline3\n');

/** What is left in the buffer (consumes it). */
function rest(stream: StreamReader): Promise<string> {
  stream.feedEof();
  return stream.read().then((b) => b.toString());
}

test('test_feed_empty_data / test_feed_nonempty_data', async () => {
  const stream = new StreamReader();
  stream.feedData(Buffer.alloc(0));
  stream.feedData(DATA);
  assert.equal(await rest(stream), DATA.toString());
});

test('test_read_zero / test_read / test_read_line_breaks', async () => {
  const stream = new StreamReader();
  stream.feedData(DATA);
  assert.equal((await stream.read(0)).length, 0);
  await run(async () => {
    const s = new StreamReader();
    const reading = createTask(() => s.read(30));
    await turns(1);
    s.feedData(DATA);
    assert.equal((await reading).toString(), DATA.toString());
  });
  const lines = new StreamReader();
  lines.feedData('line1');
  lines.feedData('line2');
  assert.equal((await lines.read(5)).toString(), 'line1');
  assert.equal(await rest(lines), 'line2');
});

test('test_read_eof / test_read_until_eof', async () => {
  const stream = new StreamReader();
  stream.feedEof();
  assert.equal((await stream.read(1024)).length, 0);
  assert.equal(stream.atEof(), true);
  await run(async () => {
    const s = new StreamReader();
    const reading = createTask(() => s.read());
    s.feedData('chunk1\n');
    s.feedData('chunk2');
    await turns(1);
    s.feedEof();
    assert.equal((await reading).toString(), 'chunk1\nchunk2');
  });
});

test('test_read_exception / test_readline_exception / test_readexactly_exception', async () => {
  const stream = new StreamReader();
  stream.feedData('line\n');
  assert.equal((await stream.read(2)).toString(), 'li');
  const err = new RangeError('boom');
  stream.setException(err);
  await assert.rejects(stream.read(2), RangeError);
  await assert.rejects(stream.readline(), RangeError);
  await assert.rejects(stream.readexactly(2), RangeError);
  assert.equal(stream.exception(), err);
});

test('test_readline / test_readline_nolimit_nowait / test_readline_read_byte_count', async () => {
  await run(async () => {
    const stream = new StreamReader();
    stream.feedData('chunk1 ');
    const reading = createTask(() => stream.readline());
    await turns(1);
    stream.feedData('chunk2 ');
    stream.feedData('chunk3 ');
    stream.feedData('\n chunk4');
    assert.equal((await reading).toString(), 'chunk1 chunk2 chunk3 \n');
    assert.equal(await rest(stream), ' chunk4');
  });
  const stream = new StreamReader();
  stream.feedData(DATA.subarray(0, 6));
  stream.feedData(DATA.subarray(6));
  assert.equal((await stream.readline()).toString(), 'line1\n');
  assert.equal((await stream.read(7)).toString(), 'line2\nl');
  assert.equal(await rest(stream), 'ine3\n');
});

test('test_readline_limit_with_existing_data: an overrun discards the line, keeps what follows', async () => {
  const stream = new StreamReader({ limit: 3 });
  stream.feedData('li');
  stream.feedData('ne1\nline2\n');
  await assert.rejects(stream.readline(), LimitOverrunError);
  assert.equal(await rest(stream), 'line2\n');
  const other = new StreamReader({ limit: 3 });
  other.feedData('li');
  other.feedData('ne1');
  other.feedData('li');
  await assert.rejects(other.readline(), LimitOverrunError);
  assert.equal(await rest(other), '');
});

test('test_at_eof', async () => {
  const stream = new StreamReader();
  assert.equal(stream.atEof(), false);
  stream.feedData('some data\n');
  await stream.readline();
  assert.equal(stream.atEof(), false);
  stream.feedData('some data\n');
  stream.feedEof();
  await stream.readline();
  assert.equal(stream.atEof(), true);
});

test('test_readline_limit: lines over the limit throw LimitOverrunError; the limit is strict', async () => {
  await run(async () => {
    const stream = new StreamReader({ limit: 7 });
    const reading = createTask(() => stream.readline());
    await turns(1);
    stream.feedData('chunk1');
    stream.feedData('chunk2');
    stream.feedData('chunk3\n');
    stream.feedEof();
    await assert.rejects(async () => await reading, LimitOverrunError);
    assert.equal(await rest(stream), '');
  });
  const stream = new StreamReader({ limit: 7 });
  stream.feedData('1234567\n');
  assert.equal((await stream.readline()).toString(), '1234567\n');
  stream.feedData('12345678\n');
  const err = await stream.readline().catch((e: unknown) => e);
  assert.ok(err instanceof LimitOverrunError);
  assert.equal(err.code, 'ERR_LIMIT_OVERRUN');
  stream.feedData('12345678');
  await assert.rejects(stream.readline(), LimitOverrunError);
  assert.equal(await rest(stream), '');
});

test('test_readline_eof / test_readline_empty_eof', async () => {
  const stream = new StreamReader();
  stream.feedData('some data');
  stream.feedEof();
  assert.equal((await stream.readline()).toString(), 'some data');
  assert.equal((await stream.readline()).length, 0);
});

test('test_readuntil_separator / test_readuntil_multi_chunks / test_readuntil_multi_chunks_1', async () => {
  const stream = new StreamReader();
  assert.throws(() => stream.readuntil(''), RangeError);
  stream.feedData('lineAAA');
  assert.equal((await stream.readuntil('AAA')).toString(), 'lineAAA');
  stream.feedData('lineAAAxxx');
  assert.equal((await stream.readuntil(Buffer.from('AAA'))).toString(), 'lineAAA');
  assert.equal((await stream.read(3)).toString(), 'xxx');
  stream.feedData('QWEaa');
  stream.feedData('XYaa');
  stream.feedData('a');
  assert.equal((await stream.readuntil('aaa')).toString(), 'QWEaaXYaaa');
  for (const part of ['XXX', 'a', 'a', 'a']) stream.feedData(part);
  assert.equal((await stream.readuntil('aaa')).toString(), 'XXXaaa');
  assert.equal(await rest(stream), '');
});

test('test_readuntil_eof: IncompleteReadError with the rest as partial, expected null', async () => {
  const stream = new StreamReader();
  stream.feedData('some dataAA');
  stream.feedEof();
  const err = await stream.readuntil('AAA').catch((e: unknown) => e);
  assert.ok(err instanceof IncompleteReadError);
  assert.deepEqual(
    [err.partial.toString(), err.expected, err.code],
    ['some dataAA', null, 'ERR_INCOMPLETE_READ'],
  );
  assert.match(err.message, /undefined expected bytes/);
  assert.equal(await rest(stream), '');
});

test('test_readuntil_limit_found_sep: readuntil leaves the data in the buffer', async () => {
  const stream = new StreamReader({ limit: 3 });
  stream.feedData('some dataAA');
  await assert.rejects(stream.readuntil('AAA'), { code: 'ERR_LIMIT_OVERRUN', message: /not found/ });
  stream.feedData('A');
  const err = await stream.readuntil('AAA').catch((e: unknown) => e);
  assert.ok(err instanceof LimitOverrunError);
  assert.match(err.message, /is found/);
  assert.equal(err.consumed, 9);
  assert.equal(await rest(stream), 'some dataAAA');
});

test('test_readexactly_zero_or_less / test_readexactly / test_readexactly_limit', async () => {
  const stream = new StreamReader({ limit: 3 });
  stream.feedData(DATA);
  assert.equal((await stream.readexactly(0)).length, 0);
  assert.throws(() => stream.readexactly(-1), RangeError);
  assert.equal((await stream.readexactly(5)).toString(), 'line1', 'readexactly ignores the limit');
  await run(async () => {
    const s = new StreamReader();
    const reading = createTask(() => s.readexactly(2 * DATA.length));
    await turns(1);
    s.feedData(DATA);
    s.feedData(DATA);
    s.feedData(DATA);
    assert.equal((await reading).toString(), DATA.toString() + DATA.toString());
    assert.equal(await rest(s), DATA.toString());
  });
});

test('test_readexactly_eof: the message and partial of IncompleteReadError', async () => {
  const stream = new StreamReader();
  stream.feedData(DATA);
  stream.feedEof();
  const err = await stream.readexactly(2 * DATA.length).catch((e: unknown) => e);
  assert.ok(err instanceof IncompleteReadError);
  assert.equal(err.message, '18 bytes read on a total of 36 expected bytes');
  assert.deepEqual([err.partial.toString(), err.expected], [DATA.toString(), 36]);
});

test('test_exception_waiter / test_exception_cancel', async () => {
  await run(async () => {
    const stream = new StreamReader();
    const reading = createTask(() => stream.readline());
    await turns(1);
    stream.setException(new TypeError('bad'));
    await assert.rejects(async () => await reading, TypeError);
    const other = new StreamReader();
    const t = createTask(() => other.readline());
    await turns(1);
    t.cancel();
    await assert.rejects(async () => await t, CancelledError);
    other.setException(new Error('message')); // must not touch the cancelled read
    await assert.rejects(other.read(), /message/);
  });
});

test('a cancelled read loses no byte: the next read gets what had arrived', async () => {
  await run(async () => {
    const stream = new StreamReader();
    const reading = createTask(() => stream.readexactly(10));
    await turns(1);
    stream.feedData('12345');
    reading.cancel();
    await assert.rejects(async () => await reading, CancelledError);
    stream.feedData('67890');
    assert.equal((await stream.readexactly(10)).toString(), '1234567890');
    const line = createTask(() => stream.readline());
    await turns(1);
    stream.feedData('partial');
    line.cancel();
    await assert.rejects(async () => await line, CancelledError);
    stream.feedData(' line\n');
    assert.equal((await stream.readline()).toString(), 'partial line\n');
  });
});

test('one reader at a time; for await yields lines; reads take { signal }', async () => {
  await run(async () => {
    const stream = new StreamReader();
    const first = createTask(() => stream.readline());
    await turns(1);
    await assert.rejects(stream.read(1), { code: 'ERR_INVALID_STATE' });
    stream.feedData('a\nb\nc');
    stream.feedEof();
    assert.equal((await first).toString(), 'a\n');
    const lines: string[] = [];
    for await (const line of stream) lines.push(line.toString());
    assert.deepEqual(lines, ['b\n', 'c']);
    const idle = new StreamReader();
    const controller = new AbortController();
    setImmediate(() => controller.abort(new Error('stop'))); // while the read waits
    await assert.rejects(idle.read(1, { signal: controller.signal }), /stop/);
    assert.throws(() => idle.read(1, { signal: 'no' as unknown as AbortSignal }), TypeError);
    assert.throws(() => idle.read(1.5), TypeError);
    assert.throws(() => new StreamReader({ limit: 0 }), RangeError);
  });
});

test('cancel at the moment of grant puts the bytes back: data and cancel in the same turn lose nothing', async () => {
  await run(async () => {
    const stream = new StreamReader();
    const exact = createTask(() => stream.readexactly(4));
    const some = new StreamReader();
    const upTo = createTask(() => some.read(100));
    await turns(1);
    // The bytes are granted to the waiting reads, then the tasks are cancelled before they resume.
    stream.feedData('abcdef');
    exact.cancel();
    some.feedData('xyz');
    upTo.cancel();
    await assert.rejects(async () => await exact, CancelledError);
    await assert.rejects(async () => await upTo, CancelledError);
    assert.equal((await stream.readexactly(6)).toString(), 'abcdef');
    assert.equal((await some.read(100)).toString(), 'xyz');
  });
});

test('{ signal }: read, readline, readexactly and readuntil let go of the signal however they end', async () => {
  for (const call of ['read', 'readline', 'readexactly', 'readuntil'] as const) {
    await checkSignalEndings(
      () => {
        const stream = new StreamReader();
        return {
          wait: (signal) =>
            call === 'read'
              ? stream.read(1, { signal })
              : call === 'readline'
                ? stream.readline({ signal })
                : call === 'readexactly'
                  ? stream.readexactly(4, { signal })
                  : stream.readuntil('!', { signal }),
          release: () => stream.feedData('abcd\n!'),
        };
      },
      { holdsClock: true },
    );
  }
});
