package io.github.springwithings.sample.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The WebFlux sample: sign in with Withings and see your weight, on Spring WebFlux and Reactor
 * Netty, with the links kept in an R2DBC database. With no {@code WITHINGS_CLIENT_ID} it runs on
 * an embedded Withings simulator ({@link EmbeddedWithings}).
 */
@SpringBootApplication
public class WithingsWebFluxSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(WithingsWebFluxSampleApplication.class, args);
	}

}
