package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.WithingsStoreScripts;

/**
 * {@code withings.store.initialize-schema} asks to run the store's schema script, and none is found
 * for the application's database: thrown at start-up, reported by
 * {@link WithingsStoreScriptNotFoundFailureAnalyzer}, never a stack trace of a missing resource.
 */
final class WithingsStoreScriptNotFoundException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String description;

	WithingsStoreScriptNotFoundException(String product, String platform, String location) {
		super(describe(product, platform, location));
		this.description = describe(product, platform, location);
	}

	private static String describe(String product, String platform, String location) {
		return "withings.store.initialize-schema asks to create the Withings store's tables in the application's "
				+ "database (" + product + "), and no schema script is found for it ("
				+ ((platform != null) ? "platform '" + platform + "', location " + location
						: "the starter ships no script for this product")
				+ ").";
	}

	String getDescription() {
		return this.description;
	}

	String getAction() {
		return "Set withings.store.platform to the platform whose script fits your database (one of "
				+ String.join(", ", WithingsStoreScripts.PLATFORMS) + "), or withings.store.schema to a script of "
				+ "your own; or create the tables with your migrations (adapt a shipped script, e.g. "
				+ WithingsStoreScripts.script("postgresql") + ") and set withings.store.initialize-schema=never.";
	}

}
