import type { Messages } from '../messages.js';

/** Korean. */
export const ko: Messages = {
  'tile.cameraOff': '카메라 꺼짐',
  'tile.cameraOn': '카메라 켜짐',
  'tile.micOff': '마이크 꺼짐',
  'tile.micOn': '마이크 켜짐',
  'tile.speaking': '말하는 중',
  'tile.emptySeat': '빈 자리',
  'tile.seat': '{index}번 자리',
  'tile.locked': '잠김',
  'tile.you': '나',
  'tile.connectionLost': '연결 끊김',
  'tile.separator': ', ',

  'apply.request': '참여 요청',
  'apply.cancel': '요청 취소',
  'apply.leave': '자리에서 나가기',
  'apply.waiting': '호스트 응답 대기 중… {seconds}초',
  'apply.rejected': '요청이 거절되었습니다',
  'apply.timedOut': '요청 시간이 초과되었습니다',

  'invitation.message': '{name}님이 게스트로 초대했습니다',
  'invitation.accept': '수락',
  'invitation.decline': '거절',

  'applicants.accept': '수락',
  'applicants.reject': '거절',
  'applicants.acceptUser': '{name} 수락',
  'applicants.rejectUser': '{name} 거절',
  'applicants.acceptAll': '모두 수락',
  'applicants.rejectAll': '모두 거절',
  'applicants.empty': '요청 없음',
  'applicants.count': '요청 {count}건',
  'applicants.waiting': '{time} 대기 중',

  'audience.invite': '초대',
  'audience.inviteUser': '{name} 초대',
  'audience.filter': '시청자 검색',

  'seatMenu.label': '{name} 관리',
  'seatMenu.kick': '자리에서 내보내기',
  'seatMenu.closeMicrophone': '마이크 끄기',
  'seatMenu.closeCamera': '카메라 끄기',
  'seatMenu.lock': '자리 잠금',
  'seatMenu.unlock': '자리 잠금 해제',
  'seatMenu.move': '{index}번 자리로 이동',

  'notify.applicationReceived': '{name}님이 참여를 요청했습니다',
  'notify.joinedSeat': '{name}님이 {index}번 자리에 참여했습니다',
  'notify.requestAccepted': '요청이 수락되었습니다',
  'notify.requestRejected': '요청이 거절되었습니다',
  'notify.requestTimedOut': '요청 시간이 초과되었습니다',
  'notify.kicked': '자리에서 내보내졌습니다',
  'notify.liveEnded': '라이브가 종료되었습니다',
  'notify.dismiss': '닫기',

  'connection.connecting': '연결 중…',
  'connection.reconnecting': '다시 연결 중…',
  'connection.offline': '오프라인',
};
