package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.WithingsStoreSchemaException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a missing store table at start-up the way Boot reports its own configuration errors:
 * what is missing, and the two fixes.
 */
final class WithingsStoreSchemaFailureAnalyzer extends AbstractFailureAnalyzer<WithingsStoreSchemaException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WithingsStoreSchemaException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getFixes(), cause);
	}

}
