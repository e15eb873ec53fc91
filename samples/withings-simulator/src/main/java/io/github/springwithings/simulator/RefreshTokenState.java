package io.github.springwithings.simulator;

/**
 * What the simulator thinks of a refresh token.
 */
public enum RefreshTokenState {

	/** The newest refresh token of its chain. */
	ACTIVE,

	/** Already rotated, but still inside the grace window (8 h, new access token not used yet). */
	GRACE,

	/** Rotated and past its grace window, revoked, or expired: using it is answered with 503. */
	DEAD,

	/** Never issued by this simulator. */
	UNKNOWN

}
