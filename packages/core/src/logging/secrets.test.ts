import { describe, expect, it } from '@jest/globals';

import { ConsoleLogger } from './logger.js';
import { redactSecrets, redactValue, registerSecret } from './secrets.js';

describe('secret redaction', () => {
  it('masks registered secrets wherever they appear', () => {
    registerSecret('s3cr3t-value-xyz');
    expect(redactSecrets('url?token=s3cr3t-value-xyz&x=1 and again s3cr3t-value-xyz')).toBe(
      'url?token=[REDACTED]&x=1 and again [REDACTED]',
    );
  });

  it('masks credential-looking headers even when unregistered', () => {
    expect(
      redactSecrets('Authorization: Bearer abcdef123456 / Synapse-Access-Token: Token zzz999'),
    ).toBe('Authorization: Bearer [REDACTED] / Synapse-Access-Token: Token [REDACTED]');
  });

  it('masks nested values and survives cycles', () => {
    const value: Record<string, unknown> = {
      headers: { authorization: 'raw-agent-token' },
      list: ['ok'],
    };
    value['self'] = value;
    const copy = redactValue(value);
    expect([
      (copy['headers'] as Record<string, unknown>)['authorization'],
      copy['list'],
      copy['self'] === copy,
    ]).toEqual(['[REDACTED]', ['ok'], true]);
  });

  it('never writes a registered secret through ConsoleLogger', () => {
    registerSecret('tok-987654321');
    const lines: string[] = [];
    const logger = new ConsoleLogger({
      level: 'debug',
      stream: { write: (c: string) => lines.push(c) },
    });
    logger.debug('using tok-987654321', { nested: { value: 'tok-987654321' } });
    expect(lines.join('')).toBe('DEBUG using [REDACTED] {"nested":{"value":"[REDACTED]"}}\n');
  });

  it('filters below the configured level', () => {
    const lines: string[] = [];
    const logger = new ConsoleLogger({
      level: 'warn',
      stream: { write: (c: string) => lines.push(c) },
    });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines).toEqual(['WARN shown\n']);
  });
});
