/* metrics.c — queue metrics: what a flow reads ($.Metrics) and what the API reports. */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vm_set_metrics(cc_rt *rt, contact *c, int q)
{
    char num[32];
    queue *qq = &rt->queues.items[q];
    var_set(c, "$.Metrics.Queue.Name", qq->name);
    snprintf(num, sizeof num, "%u", qq->size);
    var_set(c, "$.Metrics.Queue.Size", num);
    waiting *w = vm_queue_head(rt, qq);
    snprintf(num, sizeof num, "%lld", w ? (long long)((rt->now - rt->contacts.items[w->contact].enqueued) / 1000) : 0LL);
    var_set(c, "$.Metrics.Queue.OldestContactAge", num);
    unsigned online = qq->online, available = qq->free[c->channel], staffed = qq->staffed;
    snprintf(num, sizeof num, "%u", online);
    var_set(c, "$.Metrics.Agents.Online.Count", num);
    snprintf(num, sizeof num, "%u", available);
    var_set(c, "$.Metrics.Agents.Available.Count", num);
    snprintf(num, sizeof num, "%u", staffed);
    var_set(c, "$.Metrics.Agents.Staffed.Count", num);
}

void cc_rt_totals_get(const cc_rt *rt, cc_rt_totals *out) { *out = rt->totals; }

size_t cc_rt_contact_count(const cc_rt *rt) { return rt->contacts.len; }

/* The metrics of queue qi for each channel (out[0..3]) and for all of them (out[CC_CH_COUNT]), in
 * one pass over the contacts. */
void cc_rt_metrics_all(const cc_rt *rt, size_t qi, const int64_t *thresholds, size_t n, cc_metrics *out)
{
    enum { ALL = CC_CH_COUNT };
    typedef struct {
        uint64_t within[CC_METRIC_THRESHOLDS], interactions;
        int64_t handle_total, answer_total, interaction_total;
    } sums;
    sums sum[CC_CH_COUNT + 1];
    memset(sum, 0, sizeof sum);
    memset(out, 0, (CC_CH_COUNT + 1) * sizeof *out);
    size_t nlevels = n < CC_METRIC_THRESHOLDS ? n : CC_METRIC_THRESHOLDS;
    /* per agent: bit ch on a contact of channel ch, bit 4 + ch in its after-contact work */
    uint8_t *doing = cc_xcalloc(rt->agents.len + 1, 1);
    for (size_t i = 0; i < rt->contacts.len; i++) {
        const contact *c = &rt->contacts.items[i];
        if (c->agent >= 0 && c->state == ST_CONNECTED)
            doing[c->agent] |= (uint8_t)(1u << c->channel);
        else if (c->agent >= 0 && c->state == ST_ACW)
            doing[c->agent] |= (uint8_t)(16u << c->channel);
        int32_t q = c->in_queue >= 0 ? c->in_queue : c->queue;
        const int sel[2] = {c->channel, ALL};
        for (int k = 0; k < 2; k++) {
            cc_metrics *m = &out[sel[k]];
            sums *t = &sum[sel[k]];
            if (c->state == ST_SCHEDULED && c->queue == (int32_t)qi)
                m->scheduled++;
            if (c->enqueued < 0 || q != (int32_t)qi)
                continue;
            m->created++;
            if (c->state == ST_QUEUED) {
                m->in_queue++;
                if (rt->now - c->enqueued > m->oldest_age_ms)
                    m->oldest_age_ms = rt->now - c->enqueued;
                continue;
            }
            /* it left the queue: to an agent, or ended while waiting */
            m->dequeued++;
            if (c->connected >= 0) {
                int64_t wait = c->connected - c->enqueued;
                m->answered++;
                t->answer_total += wait;
                if (wait > m->max_wait_ms)
                    m->max_wait_ms = wait;
                for (size_t l = 0; l < nlevels; l++)
                    t->within[l] += wait <= thresholds[l];
            }
            if (c->state != ST_ENDED)
                continue;
            if (c->reason == CC_END_AGENT_DISCONNECT) {
                m->handled++;
                t->handle_total += c->acw_end - c->connected;
                if (c->channel != 2) { /* interaction time does not apply to tasks */
                    int64_t talk = c->ended - c->connected; /* to the disconnect: not its after-contact work */
                    t->interaction_total += talk > 0 ? talk : 0;
                    t->interactions++;
                }
            } else if (c->reason == CC_END_EXPIRED && c->connected < 0)
                m->expired++;
            else if (c->connected < 0)
                m->abandoned++;
        }
    }
    const queue *q = &rt->queues.items[qi];
    for (int ch = 0; ch <= ALL; ch++) {
        cc_metrics *m = &out[ch];
        const sums *t = &sum[ch];
        m->nlevels = nlevels;
        m->avg_handle_ms = m->handled ? t->handle_total / (int64_t)m->handled : 0;
        m->avg_answer_ms = m->answered ? t->answer_total / (int64_t)m->answered : 0;
        m->avg_interaction_ms = t->interactions ? t->interaction_total / (int64_t)t->interactions : 0;
        for (size_t l = 0; l < nlevels; l++)
            m->service_level[l] = m->dequeued ? 100.0 * (double)t->within[l] / (double)m->dequeued : 0.0;
        /* the agents who serve the queue, now */
        unsigned mask = ch == ALL ? 0xFu : 1u << ch;
        for (size_t k = 0; k < q->agents.len; k++) {
            const agent *a = &rt->agents.items[q->agents.items[k]];
            uint8_t d = doing[q->agents.items[k]];
            bool on_contact = d & mask, acw = !on_contact && ((d >> 4) & mask);
            bool free_slot = false;
            for (int c = 0; c < CC_CH_COUNT; c++)
                if ((mask >> c & 1) && a->active[c] < a->concurrency[c])
                    free_slot = true;
            m->agents_online += a->online || a->busy > 0;
            m->agents_available += a->available && free_slot;
            m->agents_staffed += a->available || a->busy > 0;
            m->agents_on_contact += on_contact;
            m->agents_acw += acw;
        }
    }
    cc_free(doing);
}

void cc_rt_metrics(const cc_rt *rt, size_t qi, int channel, const int64_t *thresholds, size_t n, cc_metrics *out)
{
    cc_metrics all[CC_CH_COUNT + 1];
    cc_rt_metrics_all(rt, qi, thresholds, n, all);
    *out = all[channel >= 0 && channel < CC_CH_COUNT ? channel : CC_CH_COUNT];
}
