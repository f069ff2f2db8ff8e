// The small form that edits a simulated person: name, user id, roles and organisation.
import { useState } from 'react';
import type { SimulatedUser } from './simulated-users.ts';

/** Edits one person; saving gives them a new token (a new id also means a different person's device). */
export const UserEditor = ({
  user,
  onSave,
  onCancel,
}: {
  user: SimulatedUser;
  onSave: (user: SimulatedUser) => void;
  onCancel: () => void;
}) => {
  const [name, setName] = useState(user.name);
  const [sub, setSub] = useState(user.sub);
  const [roles, setRoles] = useState(user.roles.join(', '));
  const [tenant, setTenant] = useState(user.tenant);
  return (
    <form
      className="dd-user-editor"
      aria-label={`Edit ${user.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (!sub.trim()) return;
        onSave({
          ...user,
          name: name.trim() || sub.trim(),
          sub: sub.trim(),
          roles: roles
            .split(',')
            .map((role) => role.trim())
            .filter(Boolean),
          tenant: tenant.trim(),
        });
      }}
    >
      <label>
        Name <input value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <label>
        User id <input value={sub} required onChange={(event) => setSub(event.target.value)} />
      </label>
      <label>
        Roles (comma-separated) <input value={roles} onChange={(event) => setRoles(event.target.value)} />
      </label>
      <label>
        Organisation <input value={tenant} onChange={(event) => setTenant(event.target.value)} />
      </label>
      <div className="dd-buttons">
        <button type="submit" className="dd-primary">
          Save
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
};
