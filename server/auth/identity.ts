/** Who a connection belongs to, as its verified token says. */
export interface GuestIdentity {
  /** Unguessable guest id (the token's `sub`). */
  guestId: string;
  nickname: string;
}
