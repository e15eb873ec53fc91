package io.github.springwithings.sample.webflux;

import reactor.blockhound.BlockHound;

/**
 * BlockHound for the sample's tests: a blocking call on an event loop or a parallel thread (a
 * handler, the starter, the store) fails the request, so the page and the test. Allowed: Thymeleaf
 * reading its version file (loaded here first) and each template's source once (templates are
 * cached), and {@code SecureRandom.nextBytes} reading {@code /dev/urandom}, which never blocks
 * (Spring Security's CSRF tokens and OAuth2 {@code state}). Installed once per JVM.
 */
final class SampleBlockHound {

	private SampleBlockHound() {
	}

	static void install() {
		try {
			Class.forName("org.thymeleaf.Thymeleaf");
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
		BlockHound.install((builder) -> builder.allowBlockingCallsInside("org.attoparser.MarkupParser", "parseDocument")
			.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes"));
	}

}
