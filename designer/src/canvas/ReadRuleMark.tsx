// The mark on a table card whose rows not everyone may see: an eye struck through, with the rule in words.
import { describeRule } from '@datastore-designer/schema';
import './read-rule-mark.css';

/** An eye with a slash, titled with who can see the table's rows. */
export const ReadRuleMark = ({ rule }: { rule: string }) => {
  const words = `Who can see rows: ${describeRule(rule)}`;
  return (
    <span className="read-rule-mark" role="img" aria-label={words} title={words} data-testid="read-rule-mark">
      <svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="2">
        <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
        <circle cx="12" cy="12" r="3" />
        <path d="M3 3l18 18" />
      </svg>
    </span>
  );
};
