import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/**
 * AES-256-GCM for secrets at rest. The associated data binds each ciphertext to its org, so a
 * token copied into another org's row does not decrypt. Format: v1.<keyId>.<iv>.<tag>.<ciphertext>
 * (base64url). The first key seals; earlier keys still open what they sealed, so keys can rotate.
 */
export class TokenCipher {
  private readonly keys: { id: string; key: Buffer }[];

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) if (key.length !== 32) throw new Error('TokenCipher needs 32-byte keys');
    this.keys = [current, ...previous].map((key) => ({ id: keyIdOf(key), key }));
  }

  encrypt(plaintext: string, associatedData: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(sealed: string, associatedData: string): string {
    const [version, keyId, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed secret');
    const entry = this.keys.find((candidate) => candidate.id === keyId);
    if (!entry) throw new Error('sealed with another key');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Opens a sealed secret, or answers undefined when no configured key opens it. */
  tryDecrypt(sealed: string, associatedData: string): string | undefined {
    try {
      return this.decrypt(sealed, associatedData);
    } catch {
      return undefined;
    }
  }

  /** A separate key for another purpose (HKDF), so one secret in the environment serves several uses. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keys[0]!.key, Buffer.alloc(0), purpose, 32));
  }

  /** The purpose key of the current and every previous key, for checking what older keys signed. */
  deriveKeys(purpose: string): Buffer[] {
    return this.keys.map(({ key }) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32)));
  }
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function hmac(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(sha256(a), 'hex');
  const right = Buffer.from(sha256(b), 'hex');
  return timingSafeEqual(left, right);
}
