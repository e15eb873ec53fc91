package io.github.springwithings.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a schema script that {@code withings.store.initialize-schema} would run and that does not
 * exist for the application's database: the product, the properties, and what to do.
 */
final class WithingsStoreScriptNotFoundFailureAnalyzer
		extends AbstractFailureAnalyzer<WithingsStoreScriptNotFoundException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WithingsStoreScriptNotFoundException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
