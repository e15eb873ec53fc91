package io.github.springwithings.testsupport;

import reactor.blockhound.BlockHound;

/**
 * BlockHound as the reactive tests install it (once per JVM: the first installation wins, so every
 * test class installs the same one).
 */
public final class TestBlockHound {

	private TestBlockHound() {
	}

	/**
	 * Install BlockHound. One allowance, for a driver, not for the starter: r2dbc-postgresql's SCRAM
	 * authentication of a new connection draws its nonce from {@code SecureRandom} (a read of
	 * {@code /dev/urandom}) on the Netty event loop that opens the connection.
	 */
	public static void install() {
		BlockHound.install((builder) -> builder.allowBlockingCallsInside("com.ongres.scram.common.ScramFunctions",
				"nonce"));
	}

}
