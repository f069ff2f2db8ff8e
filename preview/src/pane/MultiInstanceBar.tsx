// For `multi` datastores: create a space as this person, invite others, open or join a space by its id.
import { useState } from 'react';
import { ShortId } from './ShortId.tsx';
import type { SimulatedUser } from './simulated-users.ts';

/** A space (multi instance) created during this preview, and who created it. */
export interface PreviewSpace {
  id: string;
  owner: string;
  /** What people call it ("Game match 1"); the id stays behind it, for the API and for sharing. */
  name: string;
}

interface MultiInstanceBarProps {
  user: SimulatedUser;
  users: SimulatedUser[];
  spaces: PreviewSpace[];
  openSpace: string | undefined;
  busy: boolean;
  message: string;
  onCreate: () => void;
  onInvite: (spaceId: string, invitee: SimulatedUser) => void;
  onOpen: (spaceId: string) => void;
  onJoin: (spaceId: string) => void;
}

/** The space controls of one person. */
export const MultiInstanceBar = ({
  user,
  users,
  spaces,
  openSpace,
  busy,
  message,
  onCreate,
  onInvite,
  onOpen,
  onJoin,
}: MultiInstanceBarProps) => {
  const others = users.filter((other) => other.key !== user.key);
  const [inviteeKey, setInviteeKey] = useState('');
  const [chosen, setChosen] = useState('');
  const invitee = others.find((other) => other.key === inviteeKey) ?? others[0];
  const target = chosen || spaces.find((space) => space.id !== openSpace)?.id || spaces[0]?.id || '';
  const owned = spaces.find((space) => space.id === openSpace)?.owner === user.key;
  return (
    <div className="dd-spaces">
      <div>
        {openSpace ? (
          <>
            In{' '}
            <strong data-testid="open-space" data-space={openSpace} title={`Its id: ${openSpace}`}>
              {spaces.find((space) => space.id === openSpace)?.name ?? 'a space'}
            </strong>{' '}
            <span className="dd-muted">
              id <ShortId id={openSpace} label="space id" />
            </span>
          </>
        ) : (
          <span className="dd-muted">Not in a space yet.</span>
        )}{' '}
        <button
          type="button"
          className={openSpace ? undefined : 'dd-primary'}
          disabled={busy}
          onClick={onCreate}
        >
          Create a new space
        </button>
      </div>
      {openSpace && owned && invitee ? (
        <div>
          <select
            aria-label={`${user.name} invitee`}
            value={invitee.key}
            onChange={(event) => setInviteeKey(event.target.value)}
          >
            {others.map((other) => (
              <option key={other.key} value={other.key}>
                {other.name}
              </option>
            ))}
          </select>{' '}
          <button
            type="button"
            className="dd-secondary"
            disabled={busy}
            onClick={() => onInvite(openSpace, invitee)}
          >
            Invite
          </button>
        </div>
      ) : null}
      {spaces.length > 0 ? (
        <div>
          <select
            aria-label={`${user.name} space`}
            value={target}
            onChange={(event) => setChosen(event.target.value)}
          >
            {spaces.map((space) => (
              <option key={space.id} value={space.id}>
                {space.name} (by {users.find((other) => other.key === space.owner)?.name ?? 'someone'})
              </option>
            ))}
          </select>{' '}
          <button
            type="button"
            className="dd-secondary"
            disabled={busy || !target}
            onClick={() => onOpen(target)}
          >
            Open
          </button>{' '}
          <button
            type="button"
            className="dd-secondary"
            disabled={busy || !target}
            onClick={() => onJoin(target)}
            title="Add myself using the id, if the join rule allows it"
          >
            Join with the id
          </button>
        </div>
      ) : null}
      {message ? <div className="dd-note">{message}</div> : null}
    </div>
  );
};
