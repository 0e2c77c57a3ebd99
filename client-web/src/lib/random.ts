// Secrets made on the device: a vote's receipt, its change key and its idempotency key (docs/protocol.md, "Casting a sheet").
export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newReceipt(): string {
  return randomHex(32);
}

// The second secret of a sheet: never shown, so a receipt shown to a scrutineer cannot change the sheet.
export function newChangeKey(): string {
  return randomHex(32);
}

export function newIdempotencyKey(): string {
  return `s-${randomHex(16)}`;
}

// A receipt as the voter reads it off the screen: groups of four.
export function receiptCode(receipt: string): string {
  return (receipt.match(/.{1,4}/g) ?? []).join(' ');
}
