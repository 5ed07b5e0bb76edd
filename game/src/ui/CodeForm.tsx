/**
 * A five-letter code and its button: joining a private match by its code, joining a party by its
 * code. An invite link fills the code in (`invite`), highlights it while it is unchanged, and says
 * what to do next.
 */
import { useEffect, useState } from 'react';

export function CodeForm(props: {
  /** The form's accessible name. */
  name: string;
  /** The field's label. */
  label: string;
  /** The button's text. */
  button: string;
  /** The code an invite link brought ('' when none). */
  invite: string;
  /** Shown under the form while the invited code is unchanged. */
  invitedHint: string;
  disabled: boolean;
  onJoin: (code: string) => void;
}) {
  const [code, setCode] = useState(props.invite);
  useEffect(() => setCode((c) => c || props.invite), [props.invite]);
  const invited = props.invite !== '' && code === props.invite;
  return (
    <form
      className="code-form"
      aria-label={props.name}
      onSubmit={(e) => {
        e.preventDefault();
        if (code.trim()) props.onJoin(code);
      }}
    >
      <label className="field">
        {props.label}
        <input
          className={`code ${invited ? 'invited' : ''}`}
          maxLength={5}
          autoCapitalize="characters"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          placeholder="ABCDE"
        />
      </label>
      <button type="submit" disabled={props.disabled || code.trim().length === 0}>
        {props.button}
      </button>
      {invited && <small className="hint">{props.invitedHint}</small>}
    </form>
  );
}
