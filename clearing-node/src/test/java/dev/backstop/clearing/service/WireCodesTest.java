package dev.backstop.clearing.service;

import dev.backstop.clearing.domain.AutoDeleveragingMode;
import dev.backstop.clearing.domain.CommandType;
import dev.backstop.clearing.domain.LiquidationCause;
import dev.backstop.clearing.domain.MarginMethod;
import dev.backstop.clearing.domain.MarkBasis;
import dev.backstop.clearing.domain.Outcome;
import dev.backstop.clearing.domain.RiskCause;
import dev.backstop.clearing.domain.RiskState;
import dev.backstop.clearing.domain.TickDecision;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter writes domain enums to the wire by code: every domain value must have the SBE value of the same name
 * and code in each schema that carries it, and every command type a template of its own.
 */
final class WireCodesTest
{
    @Test
    void everyOutcomeIsAResultCodeOfTheSameNameInEverySchema()
    {
        for (final Outcome outcome : Outcome.values())
        {
            final short code = (short)outcome.code();
            assertEquals(outcome.name(), dev.backstop.sbe.cluster.ResultCode.get(code).name());
            assertEquals(outcome.name(), dev.backstop.sbe.exchange.ResultCode.get(code).name());
            assertEquals(outcome.name(), dev.backstop.sbe.events.ResultCode.get(code).name());
            assertEquals(outcome.name(), dev.backstop.sbe.snapshot.ResultCode.get(code).name());
        }
    }

    @Test
    void everyDomainEnumOnTheWireHasTheSameNameAndCode()
    {
        for (final TickDecision decision : TickDecision.values())
        {
            assertEquals(decision.name(), dev.backstop.sbe.events.TickDecision.get((short)decision.code()).name());
        }
        for (final RiskState state : RiskState.values())
        {
            assertEquals(state.name(), dev.backstop.sbe.events.RiskState.get((short)state.code()).name());
            assertEquals(state.name(), dev.backstop.sbe.cluster.RiskState.get((short)state.code()).name());
            assertEquals(state.name(), dev.backstop.sbe.exchange.RiskState.get((short)state.code()).name());
        }
        for (final RiskCause cause : RiskCause.values())
        {
            assertEquals(cause.name(), dev.backstop.sbe.events.RiskCause.get((short)cause.code()).name());
        }
        for (final LiquidationCause cause : LiquidationCause.values())
        {
            assertEquals(cause.name(), dev.backstop.sbe.events.LiquidationCause.get((short)cause.code()).name());
        }
        for (final MarginMethod method : MarginMethod.values())
        {
            assertEquals(method.name(), dev.backstop.sbe.cluster.MarginMethod.get((short)method.code()).name());
            assertEquals(method.name(), dev.backstop.sbe.exchange.MarginMethod.get((short)method.code()).name());
        }
        for (final dev.backstop.clearing.domain.SettlementKind kind :
            dev.backstop.clearing.domain.SettlementKind.values())
        {
            assertEquals(kind.name(), dev.backstop.sbe.events.SettlementKind.get((short)kind.code()).name());
        }
        for (final MarkBasis basis : MarkBasis.values())
        {
            assertEquals(basis.name(), dev.backstop.sbe.cluster.MarkBasis.get((short)basis.code()).name());
        }
        for (final AutoDeleveragingMode mode : AutoDeleveragingMode.values())
        {
            assertEquals(mode.name(), dev.backstop.sbe.cluster.AutoDeleveragingMode.get((short)mode.code()).name());
            assertEquals(mode.name(), dev.backstop.sbe.exchange.AutoDeleveragingMode.get((short)mode.code()).name());
            assertEquals(mode.name(), dev.backstop.sbe.events.AutoDeleveragingMode.get((short)mode.code()).name());
        }
    }

    @Test
    void everyCommandTypeHasItsOwnClusterTemplate()
    {
        final Set<Integer> templates = new HashSet<>();
        for (final CommandType type : CommandType.values())
        {
            assertTrue(templates.add(ClusterEventPublisher.commandTemplateId(type)), type.name());
        }
    }
}
