package io.github.springwithings.sample.webflux;

import java.net.http.HttpClient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live-updates stream without a session (a browser's {@code EventSource} reconnecting after a
 * restart): answered 401, which ends {@code EventSource} (the page then reloads), never the home
 * page rendered in Thymeleaf's SSE mode, a 500 or an ERROR in the log; nor the home page asked
 * for as an event stream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.r2dbc.url=r2dbc:h2:file:///./target/test-db/webflux-sample-${random.uuid}?options=DB_CLOSE_DELAY=-1")
@ExtendWith(OutputCaptureExtension.class)
class WithingsWebFluxSampleStreamTests {

	@LocalServerPort
	int port;

	@Test
	void updatesWhenNoSessionThenUnauthorizedAndNoError(CapturedOutput output) {
		RestClient client = RestClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.requestFactory(new JdkClientHttpRequestFactory(
					HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()))
			.build();

		HttpStatusCode stream = client.get()
			.uri("/dashboard/updates?after=3")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange((request, response) -> response.getStatusCode());
		HttpStatusCode home = client.get()
			.uri("/")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange((request, response) -> response.getStatusCode());
		HttpStatusCode page = client.get()
			.uri("/dashboard")
			.accept(MediaType.TEXT_HTML)
			.exchange((request, response) -> response.getStatusCode());

		assertThat(stream).isEqualTo(HttpStatus.UNAUTHORIZED);
		// pages are HTML only: not rendered in Thymeleaf's SSE mode
		assertThat(home).isEqualTo(HttpStatus.NOT_ACCEPTABLE);
		// a page still goes to the sign-in page
		assertThat(page).isEqualTo(HttpStatus.FOUND);
		assertThat(output).doesNotContain(" ERROR ").doesNotContain("Exception");
	}

}
