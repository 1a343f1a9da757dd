// Ids for the per-sequence regions of the contiguous and sliding-window caches, so that
// their events name "blocks" the way the paged cache's do: the lowest free id is reused.
#pragma once

#include <set>

namespace dlab {

class RegionIds {
public:
    int take() {
        if (m_returned.empty()) return m_next++;
        const int id = *m_returned.begin();
        m_returned.erase(m_returned.begin());
        return id;
    }
    void give_back(int id) { m_returned.insert(id); }

private:
    int m_next = 0;
    std::set<int> m_returned;
};

}  // namespace dlab
