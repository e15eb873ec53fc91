package io.github.springwithings.sample.servlet;

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
 * restart): answered 401, which ends {@code EventSource} (the page then reloads), never the
 * sign-in page, a 500 or an ERROR in the log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.url=jdbc:h2:mem:sample-${random.uuid};DB_CLOSE_DELAY=-1" })
@ExtendWith(OutputCaptureExtension.class)
class WithingsServletSampleStreamTests {

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
		// the page, as HTML
		assertThat(home).isEqualTo(HttpStatus.OK);
		// a page still goes to the sign-in page
		assertThat(page).isEqualTo(HttpStatus.FOUND);
		assertThat(output).doesNotContain(" ERROR ").doesNotContain("Exception");
	}

}
