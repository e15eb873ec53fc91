package io.github.springwithings.sample.servlet;

import io.github.springwithings.simulator.WithingsSimulator;
import io.github.springwithings.sync.WithingsDataSync;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
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
	 * With a simulator (the embedded one, or a test's), the starter's data sync runs on its clock:
	 * Withings' time, which "Fast-forward" moves, so that the backstop comes due when time passes
	 * for Withings. Nothing changes with real Withings.
	 */
	@Bean
	static BeanPostProcessor syncOnTheSimulatorsClock(ObjectProvider<WithingsSimulator> simulator) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				WithingsSimulator withings = (bean instanceof WithingsDataSync) ? simulator.getIfAvailable() : null;
				if (withings != null) {
					((WithingsDataSync) bean).setClock(withings.clock());
				}
				return bean;
			}

		};
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
