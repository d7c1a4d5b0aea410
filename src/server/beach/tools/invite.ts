// pscale_invite (bsp-beach §7.4, seed behaviour): the six-step progression, one step at a time.
import { bspRead, formatRead } from '../../../beach/index.js';
import { SENTINEL_BLOCKS } from '../sentinel/index.js';

export function invite(input: { step?: number | undefined }): string {
  const progression = SENTINEL_BLOCKS['progression'];
  if (progression === undefined) return 'pscale_invite: progression block not found in sentinel. Server bundle may be out of date.';
  const stepText = (n: number) => formatRead(bspRead(progression, String(n), null));
  if (input.step === undefined) {
    const overview = typeof progression['_'] === 'string' ? progression['_'] : '';
    return `Iterative orientation progression — six steps. Call pscale_invite(step=N) to advance.\n\n— Overview —\n${overview}\n\n— Step 1 (start here) —\n${stepText(1)}\n\nWhen you have validated step 1, call pscale_invite(step=2) for the next.`;
  }
  const n = input.step;
  const pointer = n < 6 ? `call pscale_invite(step=${n + 1}) for the next step.` : 'call pscale_invite(step=1) for the progression cycle.';
  return `Step ${n} of 6. When validated, ${pointer}\n\n${stepText(n)}`;
}
