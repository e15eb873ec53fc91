package io.github.springwithings.api;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class WithingsStatusFamilyTests {

	@ParameterizedTest
	@CsvSource({ "0,OK", "100,AUTHENTICATION_FAILED", "102,AUTHENTICATION_FAILED", "200,AUTHENTICATION_FAILED",
			"401,AUTHENTICATION_FAILED", "214,UNAUTHORIZED", "277,UNAUTHORIZED", "2553,UNAUTHORIZED",
			"2555,UNAUTHORIZED", "2554,NOT_IMPLEMENTED", "522,TIMEOUT", "524,BAD_STATE", "601,TOO_MANY_REQUESTS",
			"201,INVALID_PARAMS", "503,INVALID_PARAMS", "533,INVALID_PARAMS", "2556,ERROR", "1,ERROR" })
	void ofWhenStatusThenDocumentedFamily(int status, WithingsStatusFamily family) {
		assertThat(WithingsStatusFamily.of(status)).isEqualTo(family);
	}

}
