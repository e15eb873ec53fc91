package io.github.springwithings.sample.servlet;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.ModelAndView;

/**
 * The servlet sample: sign in with Withings, see your weight, kept up to date by the starter's
 * data sync ({@code withings.sync.enabled}, {@link SyncedWeights}). With
 * no {@code WITHINGS_CLIENT_ID} it runs on an embedded Withings simulator ({@link EmbeddedWithings}).
 */
@SpringBootApplication
public class WithingsServletSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(WithingsServletSampleApplication.class, args);
	}

	/**
	 * Every error page is {@code templates/error/error.html}, where WebFlux looks by default (and
	 * where the WebFlux sample keeps its own).
	 */
	@Bean
	ErrorViewResolver errorPage() {
		return (request, status, model) -> new ModelAndView("error/error", model);
	}

}
